"""The forms of an HTML page as a browser would submit them (standard library only).

`parse_forms(html)` finds every `<form>` with its action, method and fields: what a browser sends
when the user changes nothing (inputs with their value, checked boxes and radio buttons, the
selected option or else the first one, textareas), the choices each field offers, and each
field's type. The load test fills in the forms of the pages it opens with it, the form fuzz
discovers which fields a page posts. Buttons are not fields (a browser sends only the one that
was clicked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_FIELDS = frozenset({"submit", "button", "reset", "image", "file"})


@dataclass
class HtmlForm:
    action: str
    method: str
    # What a browser submits unchanged: name → values (a list: checkboxes and multiple
    # selects send a name more than once).
    values: dict[str, list[str]] = field(default_factory=dict)
    # The values each choice field offers (select, radio, checkbox): name → choices.
    choices: dict[str, list[str]] = field(default_factory=dict)
    # name → "text", "hidden", "date", "number", "email", "radio", "checkbox", "select",
    # "select-multiple", "textarea", …
    types: dict[str, str] = field(default_factory=dict)

    def data(self, **changes: str | list[str]) -> dict[str, list[str]]:
        """The submission with some fields changed (a list for a multi-valued field)."""
        data = {name: list(values) for name, values in self.values.items()}
        for name, value in changes.items():
            data[name] = list(value) if isinstance(value, list) else [value]
        return data


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: str | None = None
        self._select_multiple = False
        self._select_chosen = False
        self._option: str | None = None
        self._option_text: list[str] | None = None  # None: not inside an <option>
        self._option_selected = False
        self._textarea: str | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = HtmlForm(
                action=a.get("action", ""), method=(a.get("method") or "get").lower()
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in NOT_FIELDS:
                return
            form.types.setdefault(name, kind)
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.values.setdefault(name, []).append(a.get("value", "on"))
            else:
                form.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_chosen = name, False
            self._select_multiple = "multiple" in a
            form.types[name] = "select-multiple" if self._select_multiple else "select"
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            self._close_option()  # </option> may be left out
            self._option, self._option_text = a.get("value"), []
            self._option_selected = "selected" in a
        elif tag == "textarea" and name:
            self._textarea, self._textarea_text = name, []
            form.types[name] = "textarea"

    def _close_option(self) -> None:
        form, name = self._form, self._select
        if form is None or name is None or self._option_text is None:
            return
        value = self._option if self._option is not None else "".join(self._option_text).strip()
        form.choices[name].append(value)
        if self._option_selected and (self._select_multiple or not self._select_chosen):
            form.values.setdefault(name, []).append(value)
            self._select_chosen = True
        self._option, self._option_text = None, None

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "option":
            self._close_option()
        elif tag == "select" and form is not None and self._select is not None:
            self._close_option()
            name = self._select
            if not self._select_multiple and not self._select_chosen and form.choices[name]:
                form.values[name] = [form.choices[name][0]]  # a browser sends the first option
            self._select = None
        elif tag == "textarea" and form is not None and self._textarea is not None:
            text = "".join(self._textarea_text)
            # The HTML parser keeps the newline a browser drops right after <textarea>.
            form.values.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea_text.append(data)
        elif self._select is not None and self._option_text is not None:
            self._option_text.append(data)


def parse_forms(html: str) -> list[HtmlForm]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_forms(html: str) -> list[HtmlForm]:
    """The forms of the page that are sent by POST."""
    return [form for form in parse_forms(html) if form.method == "post"]
