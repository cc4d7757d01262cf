// The invite page's style, served as /web/invite.css (the page's CSP allows no inline style).
export const INVITE_STYLE = `body {
  font-family: system-ui, sans-serif;
  line-height: 1.5;
  margin: 0;
  padding: 2rem 1rem;
}
main {
  max-width: 32rem;
  margin: 0 auto;
}
label {
  display: block;
  font-weight: 600;
}
input {
  box-sizing: border-box;
  width: 100%;
  padding: 0.4rem;
  font: inherit;
}
input[readonly] {
  font-family: ui-monospace, monospace;
}
fieldset {
  margin: 1rem 0;
}
button {
  padding: 0.5rem 1.2rem;
  font: inherit;
}
:focus-visible {
  outline: 3px solid #1a73e8;
  outline-offset: 2px;
}
#error {
  color: #b00020;
  font-weight: 600;
}
#done {
  font-weight: 600;
}
[hidden] {
  display: none !important;
}
`;
