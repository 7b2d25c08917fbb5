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

use crate::html::{esc, page, ORG_BANNER};
use crate::permissions::has_permission;
use crate::{lock, Org, Shared};

const PATH: &str = "/packaging/installPackage.apexp";

const INSTALL_CSS: &str = "label { display: block; margin-top: 12px; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px; font: inherit; }
.ok { color: #0a6b2d; }
button { margin-top: 18px; padding: 8px 18px; font: inherit; }";

pub(crate) fn routes() -> Router<Shared> {
    Router::new().route(PATH, get(show).post(submit))
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
    let main = format!(
        r#"<h1>Install {package}</h1>
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
</form>"#,
        package = esc(package),
        org_name = esc(&org_name),
        key = esc(key),
    );
    Html(page(&format!("Practice org – install {package}"), 480, INSTALL_CSS, ORG_BANNER, &main)).into_response()
}

async fn show(State(state): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let org = lock(&state);
    render(&org, q.get("p0").map(String::as_str).unwrap_or_default(), None)
}

async fn submit(State(state): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut org = lock(&state);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let key = get("p0").to_string();
    let Some(user) =
        crate::oauth::active_user(&org, f.get("username").map(String::as_str), f.get("password").map(String::as_str))
    else {
        return render(
            &org,
            &key,
            Some(("Please check your username and password. / ユーザー名とパスワードを確認してください。", false)),
        );
    };
    if !has_permission(&org.store, &user, "CustomizeApplication") {
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
    match crate::install::request(&mut org.store, &user, &fields) {
        Ok(_) => render(
            &org,
            &key,
            Some(("Installing. This app is being installed; you will get an email when it is done. / インストール中です。完了するとメールが届きます。", true)),
        ),
        Err(e) => render(&org, &key, Some((&e.body().to_string(), false))),
    }
}
