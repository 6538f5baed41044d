//! Calls into the desktop shell (`window.__TAURI__.core.invoke`), with typed replies and the
//! shell's error shape (a stable code and a message).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn invoke_raw(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// What a command failed with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallError {
    pub code: String,
    pub message: String,
}

/// Calls a command and returns its reply as a JavaScript value (for data handed straight to
/// the map, such as GeoJSON, which need not pass through Rust types).
pub async fn invoke_js(cmd: &str, args: impl Serialize) -> Result<JsValue, CallError> {
    let args = js_sys::JSON::parse(&serde_json::to_string(&args).expect("arguments serialize"))
        .unwrap_or(JsValue::UNDEFINED);
    invoke_raw(cmd, args).await.map_err(|e| {
        json_of(&e)
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| CallError {
                code: "ipc".into(),
                message: e
                    .as_string()
                    .unwrap_or_else(|| "the desktop shell did not answer".into()),
            })
    })
}

/// Calls a command whose reply is JSON bytes (`tauri::ipc::Response`) and decodes it: the
/// bytes arrive as one buffer and go straight to serde, never through script objects.
pub async fn invoke_bytes<T: DeserializeOwned>(
    cmd: &str,
    args: impl Serialize,
) -> Result<T, CallError> {
    let reply = invoke_js(cmd, args).await?;
    let bytes = js_sys::Uint8Array::new(&reply).to_vec();
    serde_json::from_slice(&bytes).map_err(|e| CallError {
        code: "decode".into(),
        message: e.to_string(),
    })
}

/// Calls a command and decodes its reply.
pub async fn invoke<T: DeserializeOwned>(cmd: &str, args: impl Serialize) -> Result<T, CallError> {
    decode(&invoke_js(cmd, args).await?)
}

/// Decodes a reply [`invoke_js`] returned.
pub fn decode<T: DeserializeOwned>(value: &JsValue) -> Result<T, CallError> {
    let text = json_of(value).unwrap_or_else(|| "null".into());
    serde_json::from_str(&text).map_err(|e| CallError {
        code: "decode".into(),
        message: e.to_string(),
    })
}

fn json_of(v: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string())
}

/// No arguments.
#[derive(Serialize)]
pub struct NoArgs {}
