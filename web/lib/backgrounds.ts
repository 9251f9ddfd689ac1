/**
 * What can stand behind the person in their camera's picture, as Meet, Zoom and Teams offer:
 * the room as it is, the room blurred, or a picture drawn for Parley (web/assets/backgrounds/).
 * The pictures' files are fetched only when shown (a thumbnail, or the background chosen).
 */
export const backgroundImages = [
  { name: 'dusk', label: 'Dusk', url: new URL('../assets/backgrounds/dusk.svg', import.meta.url).href },
  { name: 'shelves', label: 'Bookshelves', url: new URL('../assets/backgrounds/shelves.svg', import.meta.url).href },
  { name: 'studio', label: 'Studio', url: new URL('../assets/backgrounds/studio.svg', import.meta.url).href },
] as const;

/** A picture a background can be replaced with. */
export type BackgroundImage = (typeof backgroundImages)[number]['name'];

/** What stands behind the person: `none` (the room as it is), `blur`, or a picture. */
export type Background = 'none' | 'blur' | BackgroundImage;

/** Whether `value` (remembered, say) is a background this page offers. */
export function isBackground(value: unknown): value is Background {
  return value === 'none' || value === 'blur' || backgroundImages.some((image) => image.name === value);
}
