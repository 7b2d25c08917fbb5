//! The install page an install link opens (`/packaging/installPackage.apexp?p0=<04t>`), as
//! Salesforce shows it: log in, choose who gets access, Install. The install then runs in the
//! background like one filed through the Tooling API.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde_json::{json, Map, Value};

use crate::html::esc;
use crate::permissions::has_permission;
use crate::{lock, Org, Shared};

const PATH: &str = "/packaging/installPackage.apexp";

pub(crate) fn routes() -> Router<Shared> {
    Router::new().route(PATH, get(page).post(submit))
}

fn render(org: &Org, key: &str, message: Option<(&str, bool)>) -> Response {
    let Some(package) = crate::install::package_name(key) else {
        let body = "<!doctype html><meta charset=utf-8><title>Error</title><h1>This package version is not available / このパッケージバージョンは利用できません</h1>";
        return (StatusCode::NOT_FOUND, Html(body.to_string())).into_response();
    };
    let org_name = org.store.all("Organization")[0]["Name"].as_str().unwrap_or_default().to_string();
    let note = message
        .map(|(m, ok)| {
            format!(
                "<p class={} role={} id=install-result>{}</p>",
                if ok { "ok" } else { "problem" },
                if ok { "status" } else { "alert" },
                esc(m)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Practice org – install {package}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #eef1f6; margin: 0; }}
main {{ max-width: 480px; margin: 40px auto; background: #fff; border-radius: 12px; padding: 24px 28px; box-shadow: 0 1px 4px #0002; }}
.banner {{ background: #fdf3dc; border: 1px solid #8a5a00; border-radius: 8px; padding: 8px 12px; color: #5c3c00; }}
label {{ display: block; margin-top: 12px; font-weight: 600; }}
input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box; padding: 8px; font: inherit; }}
.problem {{ color: #a4161a; }} .ok {{ color: #0a6b2d; }}
button {{ margin-top: 18px; padding: 8px 18px; font: inherit; }}
</style></head><body><main>
<p class=banner>Practice org — nothing here is real. / 練習用の組織です。実在のデータではありません。</p>
<h1>Install {package}</h1>
<p>{org_name}</p>
{note}
<form method=post>
<input type=hidden name=p0 value="{key}">
<label for=username>Username / ユーザー名</label><input id=username name=username type=text autocomplete=username>
<label for=password>Password / パスワード</label><input id=password name=password type=password autocomplete=current-password>
<fieldset><legend>Install for / インストール対象</legend>
<label><input type=radio name=security value=admins checked> Admins only / 管理者のみ</label>
<label><input type=radio name=security value=all> All users / すべてのユーザー</label>
</fieldset>
<button id=install type=submit>Install / インストール</button>
</form></main></body></html>"#,
        package = esc(package),
        org_name = esc(&org_name),
        key = esc(key),
    );
    Html(body).into_response()
}

async fn page(State(state): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let org = lock(&state);
    render(&org, q.get("p0").map(String::as_str).unwrap_or_default(), None)
}

async fn submit(State(state): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut org = lock(&state);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let key = get("p0").to_string();
    let username = get("username").trim();
    let known =
        org.scenario.logins.iter().any(|l| l.username.eq_ignore_ascii_case(username) && l.password == get("password"));
    let user = org
        .store
        .all("User")
        .iter()
        .find(|u| u["Username"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(username)) && u["IsActive"] == true)
        .and_then(|u| u["Id"].as_str().map(str::to_string));
    let Some(user) = user.filter(|_| known) else {
        return render(
            &org,
            &key,
            Some(("Please check your username and password. / ユーザー名とパスワードを確認してください。", false)),
        );
    };
    if !has_permission(&org.store, &user, "PermissionsCustomizeApplication") {
        return render(
            &org,
            &key,
            Some(("You don't have permission to install packages. Ask a Salesforce admin. / パッケージをインストールする権限がありません。Salesforce 管理者に依頼してください。", false)),
        );
    }
    let security = if get("security") == "all" { "Full" } else { "None" };
    let fields: Map<String, Value> = [
        ("SubscriberPackageVersionKey".to_string(), json!(key)),
        ("SecurityType".to_string(), json!(security)),
        ("NameConflictResolution".to_string(), json!("Block")),
    ]
    .into_iter()
    .collect();
    match crate::install::request(&mut org.store, &fields) {
        Ok(_) => render(
            &org,
            &key,
            Some(("Installing. This app is being installed; you will get an email when it is done. / インストール中です。完了するとメールが届きます。", true)),
        ),
        Err(e) => render(&org, &key, Some((&e.body().to_string(), false))),
    }
}
