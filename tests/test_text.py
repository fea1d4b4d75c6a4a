"""Plain text from HN comment HTML."""

import pytest

from waywo.text import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("I&#x27;m &quot;here&quot; &amp; &lt;there&gt;", 'I\'m "here" & <there>'),
        ("First.<p>Second.<p>Third.", "First.\n\nSecond.\n\nThird."),
        (
            '<a href="https:&#x2F;&#x2F;foo.dev&#x2F;a&#x2F;long&#x2F;path" '
            'rel="nofollow">https:&#x2F;&#x2F;foo.dev&#x2F;a&#x2F;lo...</a>',
            "https://foo.dev/a/long/path",
        ),
        ('See <a href="https://x.io">my site</a>.', "See my site (https://x.io)."),
        (
            "Code:<pre><code>  a = 1\n  b = 2</code></pre>Done",
            "Code:\n\n  a = 1\n  b = 2\n\nDone",
        ),
        ("<i>Emphasis</i> kept as words", "Emphasis kept as words"),
        (None, ""),
    ],
)
def test_html_becomes_plain_text(html: str | None, text: str) -> None:
    """Entities decoded, paragraphs kept, links written as their URLs."""
    assert html_to_text(html) == text
