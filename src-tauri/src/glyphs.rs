//! Map label glyphs for the window: the `yitu-glyphs` URI scheme answers MapLibre's
//! `{fontstack}/{range}.pbf` requests with ranges drawn from installed fonts (see
//! `yitu_glyphs`), each drawn once and kept. Nothing is fetched from a network.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tauri::http::{Request, Response, StatusCode};
use yitu_glyphs::Fonts;

/// The scheme's name; the window's style points its `glyphs` here.
pub const SCHEME: &str = "yitu-glyphs";

/// The glyph URL template MapLibre fills in, in this platform's form for custom schemes.
pub fn url_template() -> String {
    if cfg!(windows) {
        format!("http://{SCHEME}.localhost/{{fontstack}}/{{range}}.pbf")
    } else {
        format!("{SCHEME}://localhost/{{fontstack}}/{{range}}.pbf")
    }
}

/// A range's protobuf by font stack name and first code point.
type Drawn = HashMap<(String, u32), Arc<Vec<u8>>>;

/// The fonts, read on the first request, and every range drawn so far.
#[derive(Default)]
pub struct Glyphs {
    fonts: OnceLock<Result<Fonts, String>>,
    drawn: Mutex<Drawn>,
}

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header("Content-Type", content_type)
        .header("Access-Control-Allow-Origin", "*")
        .body(body)
        .unwrap_or_default()
}

impl Glyphs {
    /// Answers one request: 200 with the range, 400 for a path that is not a range's, 500 when
    /// no font can be read (labels are then missing; the symbols still draw).
    pub fn serve(&self, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
        let path = request.uri().path().trim_start_matches('/');
        let Some((stack, file)) = path.rsplit_once('/') else {
            return reply(
                StatusCode::BAD_REQUEST,
                "text/plain",
                path.as_bytes().into(),
            );
        };
        let start = match yitu_glyphs::parse_range(file) {
            Ok(s) => s,
            Err(e) => return reply(StatusCode::BAD_REQUEST, "text/plain", e.to_string().into()),
        };
        // The stack's name comes percent-encoded ("Yitu%20Sans"); it is written back as asked.
        let stack = stack.replace("%20", " ");
        let key = (stack.clone(), start);
        if let Some(pbf) = self.drawn.lock().ok().and_then(|d| d.get(&key).cloned()) {
            return reply(StatusCode::OK, "application/x-protobuf", pbf.to_vec());
        }
        let fonts = self
            .fonts
            .get_or_init(|| Fonts::installed().map_err(|e| e.to_string()));
        let fonts = match fonts {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "no font for map labels");
                return reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "text/plain",
                    e.clone().into(),
                );
            }
        };
        match fonts.range_pbf(&stack, start) {
            Ok(pbf) => {
                let pbf = Arc::new(pbf);
                if let Ok(mut d) = self.drawn.lock() {
                    d.insert(key, pbf.clone());
                }
                reply(StatusCode::OK, "application/x-protobuf", pbf.to_vec())
            }
            Err(e) => reply(StatusCode::BAD_REQUEST, "text/plain", e.to_string().into()),
        }
    }
}
