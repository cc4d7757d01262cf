// Keyboard activation for elements that are not buttons (a focusable table row): Enter or Space
// does what a click does.
import type { KeyboardEvent } from "react";

export function activateOnKey(activate: () => void) {
  return (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      activate();
    }
  };
}
