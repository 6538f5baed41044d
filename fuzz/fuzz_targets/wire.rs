//! The sync wire: a push body as the server reads it (zstd or plain JSON, upcast from an older
//! protocol) and what the server then checks of each change; and the replies a desk reads.
//! The first byte says which: 0 a zstd push, 1 a plain push, 2 a pull page, 3 a hello, 4 a push
//! reply, 5 the users.
#![no_main]

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use yitu_domain::command::role::Role;
use yitu_domain::sync::wire::{Hello, PullReply, PushReply, UsersReply};
use yitu_domain::sync::{merge, policy, Change};

/// What the server does with each decoded change before it touches its database.
fn check(change: &Change) {
    for role in [Role::Commander, Role::DrillController, Role::Observer] {
        let _ = policy::admit(role, change, 1_700_000_000_000);
    }
    let _ = merge::field_ops(change);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    match mode {
        0 | 1 => {
            let mut headers = HeaderMap::new();
            if mode == 0 {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("zstd"));
            }
            let body = Bytes::copy_from_slice(body);
            if let Ok(push) = yitu_server::http::read_push_body(&headers, &body) {
                push.changes.iter().for_each(check);
            }
        }
        2 => {
            if let Ok(page) = serde_json::from_slice::<PullReply>(body) {
                page.changes.iter().for_each(|p| check(&p.change));
            }
        }
        3 => {
            let _ = serde_json::from_slice::<Hello>(body);
        }
        4 => {
            let _ = serde_json::from_slice::<PushReply>(body);
        }
        5 => {
            let _ = serde_json::from_slice::<UsersReply>(body);
        }
        _ => {}
    }
});
