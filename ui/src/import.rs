//! The import panel: choose what the file holds, its coordinate system and the file (or a
//! shapefile's parts); every row is checked and shown, bad rows with their reasons, before
//! anything is written; then all rows (or only the valid ones, if the user says so) are written
//! in one transaction while a bar shows the progress.

use crate::i18n::Lang;
use crate::tauri::invoke;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsCast;
use yitu_domain::import::ImportKind;
use yitu_domain::space::crs::Crs;
use yitu_ipc::call;
use yitu_ipc::import::{ExportFormat, Exported, ImportReport as Report, Preview};

fn report_words(r: &Report, lang: Lang) -> String {
    format!(
        "{}{} · {}{} · {}{} · {}{} · {}{}",
        lang.t("新增 ", "added "),
        r.inserted,
        lang.t("更新 ", "updated "),
        r.updated,
        lang.t("未变 ", "unchanged "),
        r.unchanged,
        lang.t("库存行 ", "stock lines "),
        r.stock_lines_added + r.stock_lines_changed,
        lang.t("台账记录 ", "ledger entries "),
        r.ledger_entries
    )
}

/// "3 行" for a spreadsheet, "3 个要素" for GeoJSON, "3 条记录" for a shapefile.
fn rows_word(word: &str, lang: Lang) -> &'static str {
    match word {
        "feature" => lang.t("个要素", "features"),
        "record" => lang.t("条记录", "records"),
        "line" => lang.t("行", "lines"),
        _ => lang.t("行", "rows"),
    }
}

/// Reads the chosen files' bytes.
async fn read_files(input: &web_sys::HtmlInputElement) -> Result<Vec<(String, Vec<u8>)>, String> {
    let Some(list) = input.files() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.get(i) else { continue };
        let name = file.name();
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("{name}: 无法读取 / cannot be read"))?;
        out.push((name, js_sys::Uint8Array::new(&buffer).to_vec()));
    }
    Ok(out)
}

/// The panel. `on_written` runs after an import was written (the map reads the store again).
#[component]
pub fn ImportPanel(
    on_written: impl Fn() + Copy + Send + Sync + 'static,
    on_close: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = crate::context::lang();
    let kind = RwSignal::new(ImportKind::Shelters);
    let crs = RwSignal::new(Crs::Wgs84);
    let skip = RwSignal::new(false);
    let (preview, set_preview) = signal(None::<Preview>);
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let (progress, set_progress) = signal(None::<(usize, usize)>);
    let (written, set_written) = signal(None::<Report>);
    let file_ref = NodeRef::<leptos::html::Input>::new();
    // The files chosen, as the picker's own label says them (the native one speaks English).
    let (chosen, set_chosen) = signal(Vec::<String>::new());
    let (exported, set_exported) = signal(None::<Result<Exported, String>>);
    let export = move |format: ExportFormat| {
        set_exported.set(None);
        spawn_local(async move {
            let args = call::ExportRegister {
                kind: kind.get_untracked(),
                format,
            };
            let r = invoke(&args).await.map_err(|e| e.message);
            set_exported.set(Some(r));
        });
    };

    let check = move || {
        let Some(input) = file_ref.get_untracked() else {
            return;
        };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        set_error.set(None);
        set_preview.set(None);
        set_written.set(None);
        set_busy.set(true);
        spawn_local(async move {
            let result = match read_files(&input).await {
                Ok(files) if files.is_empty() => Err(lang
                    .get_untracked()
                    .t("请先选择文件", "Choose a file first")
                    .to_owned()),
                Ok(files) => invoke(&call::ImportPreview {
                    kind: kind.get_untracked(),
                    crs: crs.get_untracked(),
                    files,
                })
                .await
                .map_err(|e| e.message),
                Err(e) => Err(e),
            };
            match result {
                Ok(p) => set_preview.set(Some(p)),
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };
    let commit = move || {
        set_error.set(None);
        set_busy.set(true);
        set_progress.set(Some((
            0,
            preview.with_untracked(|p| p.as_ref().map_or(0, |p| p.valid)),
        )));
        // The store reports rows written as it goes; the bar reads it while the write runs.
        let poll = set_interval_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(p) = invoke(&call::ImportProgress {}).await {
                        if p.1 > 0 {
                            set_progress.set(Some(p));
                        }
                    }
                });
            },
            Duration::from_millis(200),
        )
        .ok();
        spawn_local(async move {
            let args = call::ImportCommit {
                skip_invalid: skip.get_untracked(),
            };
            match invoke(&args).await {
                Ok(r) => {
                    set_written.set(Some(r));
                    set_preview.set(None);
                    on_written();
                }
                Err(e) => set_error.set(Some(e.message)),
            }
            if let Some(h) = poll {
                h.clear();
            }
            set_progress.set(None);
            set_busy.set(false);
        });
    };

    view! {
        <aside class="details import" id="import-panel" role="dialog">
            <button class="close" title="关闭 / Close" on:click=move |_| on_close()>"×"</button>
            <h2>{move || lang.get().t("导入 / 导出登记表", "Import / export a register")}</h2>
            <p class="muted">{move || lang.get().t(
                "CSV（UTF-8 或 GBK）、XLSX、GeoJSON，或 Shapefile（同时选择 .shp、.dbf、.shx、.prj）。先逐行检查并预览，确认后一次写入。",
                "CSV (UTF-8 or GBK), XLSX, GeoJSON, or a shapefile (choose its .shp, .dbf, .shx and .prj together). Every row is checked and shown first; written at once on your go-ahead.")}</p>
            <div class="import-form">
                <label>{move || lang.get().t("内容", "Holds")}
                    <select id="import-kind" on:change=move |ev| {
                        if let Ok(k) = ImportKind::from_code(&event_target_value(&ev)) { kind.set(k) }
                    }>
                        {ImportKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=k.code() selected=move || kind.get() == k>{move || lang.get().t(k.zh(), k.en())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || lang.get().t("坐标系", "Coordinates")}
                    <select id="import-crs" on:change=move |ev| {
                        if let Ok(c) = Crs::from_code(&event_target_value(&ev)) { crs.set(c) }
                    }>
                        {Crs::ALL.iter().map(|c| {
                            let c = *c;
                            view! { <option value=c.code() selected=move || crs.get() == c>{move || lang.get().t(c.zh(), c.en())}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="file-pick">
                    <span>{move || {
                        let names = chosen.get();
                        if names.is_empty() {
                            lang.get().t("选择文件…", "Choose files…").to_owned()
                        } else {
                            names.join("、")
                        }
                    }}</span>
                    <input type="file" id="import-file" multiple=true node_ref=file_ref
                        accept=".csv,.txt,.xlsx,.geojson,.json,.shp,.dbf,.shx,.prj,.cpg"
                        on:change=move |_| {
                            let names = file_ref.get_untracked().and_then(|i| i.files()).map(|files| {
                                (0..files.length()).filter_map(|i| files.get(i)).map(|f| f.name()).collect()
                            });
                            set_chosen.set(names.unwrap_or_default());
                        }/>
                </label>
                <button id="import-check" class="pick" disabled=move || busy.get() on:click=move |_| check()>
                    {move || lang.get().t("检查并预览", "Check and preview")}
                </button>
            </div>
            <div class="export-buttons">
                <span>{move || lang.get().t("导出所选内容：", "Export what is chosen: ")}</span>
                <button id="export-xlsx" on:click=move |_| export(ExportFormat::Xlsx)>"XLSX"</button>
                <button id="export-csv" on:click=move |_| export(ExportFormat::Csv)>"CSV"</button>
                <button id="export-geojson" on:click=move |_| export(ExportFormat::Geojson)>"GeoJSON"</button>
            </div>
            {move || exported.get().map(|r| match r {
                Ok(e) => view! { <p class="ok" id="export-done" data-path=e.path.clone()>
                    {format!("{}{} → {}", lang.get().t("已导出 ", "exported "), e.records, e.path)}</p> }.into_any(),
                Err(e) => view! { <p class="error" id="export-error">{e}</p> }.into_any(),
            })}
            {move || error.get().map(|e| view! { <p class="error" id="import-error">{e}</p> })}
            {move || progress.get().map(|(done, total)| view! {
                <div class="progress" id="import-progress">
                    <progress max=total.max(1).to_string() value=done.to_string()></progress>
                    <small>{format!("{done}/{total}")}</small>
                </div>
            })}
            {move || written.get().map(|r| view! {
                <p class="ok" id="import-done">{format!("{}{}", lang.get().t("已写入：", "Written: "), report_words(&r, lang.get()))}</p>
            })}
            {move || preview.get().map(|p| {
                let l = lang.get();
                let bad = p.rows - p.valid;
                let headers = p.headers.clone();
                let blocked = !p.header_issues.is_empty();
                view! {
                    <div class="import-preview" id="import-preview" data-rows=p.rows.to_string() data-valid=p.valid.to_string()>
                        <p><strong>{p.file.clone()}</strong>{format!(" · {} · {} {}，", p.encoding, p.rows, rows_word(&p.row_word, l))}
                            <span class:error={bad > 0}>{format!("{}{bad}", l.t("有误 ", "bad "))}</span></p>
                        {(!p.header_issues.is_empty()).then(|| view! {
                            <ul class="error" id="import-header-issues">
                                {p.header_issues.iter().map(|i| view! { <li>{format!("{}: {}", i.field, i.reason)}</li> }).collect_view()}
                            </ul>
                        })}
                        {(!p.ignored_columns.is_empty()).then(|| view! {
                            <p class="muted">{format!("{}{}", l.t("未识别的列（忽略）：", "Columns not recognised (ignored): "), p.ignored_columns.join("、"))}</p>
                        })}
                        <p id="import-would">{format!("{}{}", l.t("将会：", "Would: "), report_words(&p.would, l))}</p>
                        <div class="table-scroll">
                            <table class="import-rows">
                                <thead><tr><th>{l.t("行", "Line")}</th><th>{l.t("问题", "Problems")}</th>{headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {p.shown.iter().map(|r| view! {
                                        <tr data-line=r.line.to_string() class:bad=!r.issues.is_empty()>
                                            <td>{r.line}</td>
                                            <td class="issues">{r.issues.join("；")}</td>
                                            {r.cells.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(bad > 0).then(|| view! {
                            <label class="skip"><input type="checkbox" id="import-skip" prop:checked=move || skip.get()
                                on:change=move |ev| skip.set(event_target_checked(&ev))/>
                                {move || lang.get().t("跳过有误的行，只写入正确的行", "Skip the bad rows and write the good ones")}</label>
                        })}
                        <button id="import-commit" class="pick" disabled=move || busy.get() || blocked
                            on:click=move |_| commit()>
                            {move || lang.get().t("写入", "Write")}
                        </button>
                    </div>
                }
            })}
        </aside>
    }
}
