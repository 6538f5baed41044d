//! Calls into the desktop shell (`window.__TAURI__.core.invoke`), by the command's
//! `yitu_ipc::call` type: its name, its arguments and its reply type come from the contract,
//! so a renamed command or field fails to compile here. A failure is the contract's
//! [`Failure`] (a code from a closed set and a message); the window's own (no answer, a reply
//! that does not decode) are `ipc` and `decode`.

use wasm_bindgen::prelude::*;
use yitu_ipc::{Command, ErrorCode, Failure};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn invoke_raw(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Calls the command `C` with `args` and decodes its reply as `C::Reply` (from the one JSON
/// buffer of a [`Command::BYTES`] reply, or from the value of any other).
pub async fn invoke<C: Command>(args: &C) -> Result<C::Reply, Failure> {
    let reply = invoke_js(args).await?;
    let decoded = if C::BYTES {
        serde_json::from_slice(&js_sys::Uint8Array::new(&reply).to_vec())
    } else {
        serde_json::from_str(&json_of(&reply).unwrap_or_else(|| "null".into()))
    };
    decoded.map_err(|e| {
        Failure::new(
            ErrorCode::Decode,
            format!(
                "{} 的答复无法解读 / the reply of {} does not decode: {e}",
                C::NAME,
                C::NAME
            ),
        )
    })
}

/// Calls the command `C` and hands its reply over as a JavaScript value, undecoded: for GeoJSON
/// given straight to the map, which need not pass through Rust types.
pub async fn invoke_js<C: Command>(args: &C) -> Result<JsValue, Failure> {
    let args = js_sys::JSON::parse(&serde_json::to_string(args).expect("arguments serialize"))
        .unwrap_or(JsValue::UNDEFINED);
    invoke_raw(C::NAME, args).await.map_err(|e| {
        json_of(&e)
            .and_then(|s| serde_json::from_str::<Failure>(&s).ok())
            .unwrap_or_else(|| {
                Failure::new(
                    ErrorCode::Ipc,
                    e.as_string().unwrap_or_else(|| {
                        "桌面程序没有答复 / the desktop shell did not answer".into()
                    }),
                )
            })
    })
}

fn json_of(v: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string())
}
