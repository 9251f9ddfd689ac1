/**
 * How long the file's Blob URL stays valid after the download starts. Revoking it at once
 * can cancel the download in some browsers; a minute is plenty and frees the memory after.
 */
const keepUrlForMs = 60_000;

/** Saves `value` as a pretty-printed JSON file through a Blob URL and a temporary link. */
export function downloadJson(value: unknown, filename: string, doc: Document = document): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), keepUrlForMs);
}
