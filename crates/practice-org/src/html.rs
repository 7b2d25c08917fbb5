//! What the org's HTML pages share.

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The banner every practice page opens with, so nobody mistakes it for the real thing.
pub(crate) const ORG_BANNER: &str = "<strong>Practice org — not a real Salesforce org.</strong><br>練習用の組織です。実際の Salesforce 組織ではありません。";

/// A practice page: the shared look, the banner, then `main` (HTML). `css` adds the page's own
/// rules; `width` is the card's width in pixels.
pub(crate) fn page(title: &str, width: u32, css: &str, banner: &str, main: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #eef1f6; margin: 0; }}
main {{ max-width: {width}px; margin: 40px auto; background: #fff; border-radius: 12px; padding: 24px 28px; box-shadow: 0 1px 4px #0002; }}
.banner {{ background: #fdf3dc; border: 1px solid #8a5a00; border-radius: 8px; padding: 8px 12px; color: #5c3c00; }}
.problem {{ color: #b3261e; font-weight: 600; }}
{css}
</style></head>
<body><main>
<p class="banner">{banner}</p>
{main}
</main></body></html>"#,
        title = esc(title),
    )
}
