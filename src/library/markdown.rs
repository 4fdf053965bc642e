//! Markdown to safe HTML: pulldown-cmark renders, ammonia always sanitises.
//! Raw `<script>`, event-handler attributes and `javascript:` links never
//! reach a page.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, html};

pub fn render(markdown: &str) -> String {
    // Task-list boxes (`- [ ]`) are parsed so the brackets disappear; ammonia drops the inputs.
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut raw = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders() {
        let html = render("# Title\n\n- one\n- **two**\n\n[GOV.UK](https://www.gov.uk)");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<strong>two</strong>"));
        assert!(
            html.contains(r#"<a href="https://www.gov.uk" rel="noopener noreferrer">GOV.UK</a>"#),
            "{html}"
        );
    }

    #[test]
    fn hostile_input_is_neutralised() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "[x](JaVaScRiPt:alert(1))",
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>",
            "<form action=\"https://evil.example\"><input name=p></form>",
            "<object data=\"x.swf\"></object>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        ];
        for input in cases {
            let out = render(input).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "<iframe",
                "style=",
                "data:text",
                "<form",
                "<object",
                "xlink:href",
            ] {
                assert!(!out.contains(bad), "{input:?} rendered as {out:?}");
            }
        }
    }

    #[test]
    fn checklists_render_as_plain_lists() {
        let html = render("- [ ] first\n- [x] second");
        assert!(!html.contains("[ ]") && !html.contains("<input"), "{html}");
        assert!(html.contains("first") && html.contains("second"));
    }
}
