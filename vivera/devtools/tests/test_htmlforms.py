"""`devtools.testing.htmlforms`: a page's forms as a browser submits them (the form fuzz and the
load test fill forms with it)."""

from __future__ import annotations

from vivera.devtools.testing.htmlforms import parse_forms, post_forms


def test_parse_forms_sends_what_a_browser_sends() -> None:
    html = """<form method="post" action="/x"><input type="hidden" name="t" value="a&amp;b">
      <input name="n"><input type="checkbox" name="c" value="3" checked>
      <input type="checkbox" name="c" value="4"><input type="radio" name="r" value="p">
      <input type="radio" name="r" value="q" checked><input name="off" disabled value="1">
      <select name="s"><option value="">---<option value="5">five</select>
      <select name="m" multiple><option value="1" selected>1</option><option value="2" selected>
      </select><textarea name="ta">
line</textarea><button type="submit" name="go">Go</button></form>
      <form><input name="q"></form>"""
    first, second = parse_forms(html)
    assert (first.action, first.method) == ("/x", "post")
    assert first.values == {
        "t": ["a&b"],
        "n": [""],
        "c": ["3"],
        "r": ["q"],
        "s": [""],
        "m": ["1", "2"],
        "ta": ["line"],
    }
    assert first.choices["s"] == ["", "5"] and first.choices["c"] == ["3", "4"]
    assert first.types["m"] == "select-multiple" and "go" not in first.types
    assert first.data(n="x", c=["3", "4"])["c"] == ["3", "4"]
    assert second.method == "get" and post_forms(html) == [first]
