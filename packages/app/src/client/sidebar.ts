/**
 * The sidebar on narrow screens: a drawer over the page, closed at first, opened and closed by the
 * toggle button (the stylesheet shows the button only there, and only when the sidebar has
 * content). Escape or a click on the page closes it.
 */
export function sidebarDrawer(app: HTMLElement, toggle: HTMLButtonElement, page: HTMLElement): void {
  const label = toggle.querySelector(".label");
  const setOpen = (open: boolean): void => {
    app.classList.toggle("sidebar-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (label !== null) label.textContent = open ? "Close" : "Menu";
  };
  toggle.addEventListener("click", () => setOpen(!app.classList.contains("sidebar-open")));
  page.addEventListener("click", () => setOpen(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });
}
