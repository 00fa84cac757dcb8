// Small DOM helpers. Every piece of text from the data is set with textContent or an
// attribute, never parsed as HTML.

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

export function html<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className !== undefined) element.className = className;
  return element;
}

/** The tooltip: shows `lines` near the pointer. */
export function tooltip(): { show(event: MouseEvent, lines: string[]): void; hide(): void } {
  const tip = document.getElementById('tip') as HTMLElement;
  return {
    show(event, lines) {
      tip.textContent = lines.join('\n');
      tip.style.display = 'block';
      const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      const y = Math.min(event.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
      tip.style.left = `${Math.max(0, x)}px`;
      tip.style.top = `${Math.max(0, y)}px`;
    },
    hide() {
      tip.style.display = 'none';
    },
  };
}

export function bytesText(bytes: number, iec: (n: number) => string): string {
  return `${iec(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}
