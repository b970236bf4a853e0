// Hands a file the app made (a CSV) to the browser to save, the one way every screen does it.

// Browsers cap a URL near 2 MB; a file well under that goes as a data: URL, which every
// Chromium saves as a download, headless and automated ones included (they raise no download
// for a blob: URL). A larger one goes as a blob: URL, which needs no copy of the text.
const DATA_URL_MAX_CHARS = 1_000_000;

export function saveFile(name: string, text: string, type = 'text/csv;charset=utf-8') {
  const dataUrl = `data:${type},${encodeURIComponent(text)}`;
  const blobUrl = dataUrl.length <= DATA_URL_MAX_CHARS ? null : URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = blobUrl ?? dataUrl;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (blobUrl) setTimeout(() => URL.revokeObjectURL(blobUrl), 1000);
}
