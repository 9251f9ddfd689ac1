/** Entry point of the call page: mounts the app into `#app`. */
import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

mount(App, { target: document.getElementById('app')! });
