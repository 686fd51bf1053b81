import '../styles/app.css';
export function mount(root: HTMLElement, ceremony: string): void {
  root.textContent = 'admin ' + ceremony;
}
