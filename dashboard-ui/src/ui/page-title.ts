/** Titles the tab after the screen's heading, so tabs, history and screen readers tell the screens apart. */
export function showTitle(heading: string | null | undefined): void {
  document.title = heading ? `${heading} — ParseSphere Keys` : 'ParseSphere Keys';
}
