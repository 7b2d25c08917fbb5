//! What every captured screen is checked for, inside the real window: axe-core's serious and
//! critical violations, message keys shown raw, English left in the Japanese screens, and text
//! cut off or pushed out of the window.

use fantoccini::Client;
use serde_json::{json, Value};

/// axe-core from the UI's npm packages, injected once per page.
fn axe_source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}; `make test` installs it"))
}

/// Runs axe over the document and returns its serious and critical violations, one line each.
pub async fn axe(client: &Client) -> Vec<String> {
    let loaded = client.execute("return typeof window.axe === 'object'", vec![]).await.unwrap();
    if loaded != json!(true) {
        client.execute(&format!("{}\nreturn true;", axe_source()), vec![]).await.expect("axe-core loads");
    }
    let found = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
              .catch(e => done([`axe failed: ${e}`]));"#,
            vec![],
        )
        .await
        .expect("axe runs");
    strings(found)
}

/// Raw message keys, English in a Japanese screen, and clipped or overflowing text.
pub async fn text_problems(client: &Client, lang: &str) -> Vec<String> {
    let found = client
        .execute(
            r#"const lang = arguments[0];
            const problems = [];
            // Text kept for screen readers only sits in a 1 px box on purpose.
            const visible = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
            // Addresses, user names and code are the same in every language.
            const verbatim = el => el.closest('code, pre, .mono, .url, input, textarea, select, [translate="no"]');
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const text = n.textContent.trim();
              const el = n.parentElement;
              if (!text || !visible(el) || verbatim(el)) continue;
              if (/^[a-z_]+(\.[a-z0-9_]+)+$/.test(text)) problems.push(`raw message key "${text}"`);
              // Japanese quotes Salesforce's own English words in 「」 on purpose.
              const own = text.replace(/「[^」]*」/g, '');
              if (lang === 'ja' && /[a-z]{3,}[ ,]+[a-z]{3,}[ ,]+[a-z]{3,}/.test(own))
                problems.push(`English in the Japanese screen: "${text.slice(0, 80)}"`);
            }
            const width = document.documentElement.clientWidth;
            for (const el of document.body.querySelectorAll('*')) {
              if (!visible(el)) continue;
              const style = getComputedStyle(el);
              const r = el.getBoundingClientRect();
              const name = el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
              if (r.right > width + 1 && style.position !== 'fixed')
                problems.push(`${name} sticks out of the window by ${Math.round(r.right - width)}px`);
              const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
              if (clips && el.scrollWidth > el.clientWidth + 1)
                problems.push(`${name} cuts its text off ("${el.textContent.trim().slice(0, 60)}")`);
            }
            return problems;"#,
            vec![json!(lang)],
        )
        .await
        .expect("the text checks run");
    strings(found)
}

/// Whether the focused element shows a focus ring (an outline or a shadow) while it matches
/// `:focus-visible`, with a description for the failure message.
pub async fn focus_ring(client: &Client) -> Result<(), String> {
    let found = client
        .execute(
            r#"const el = document.activeElement;
            const name = el ? (el.id ? `#${el.id}` : el.outerHTML.slice(0, 80)) : 'nothing';
            if (!el || el === document.body) return `focus is on ${name}`;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            return el.matches(':focus-visible') && (outline || shadow) ? null : `${name} shows no focus ring`;"#,
            vec![],
        )
        .await
        .expect("the focus check runs");
    match found {
        Value::String(problem) => Err(problem),
        _ => Ok(()),
    }
}

fn strings(v: Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
}
