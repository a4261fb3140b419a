//! Sending files from the browser: `POST /v1/attachments`, one request per
//! file, with progress. XMLHttpRequest rather than fetch, because only it
//! reports upload progress.

use std::rc::Rc;

use gloo_file::File;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

use crate::model::Attachment;

#[derive(serde::Deserialize)]
struct Uploaded {
    data: Vec<Attachment>,
}

/// Uploads one file. `progress` gets the fraction sent so far; `done` gets
/// the stored file or the server's reason for refusing it.
pub fn upload(
    file: &File,
    csrf_token: &str,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<Attachment, String>) + 'static,
) {
    if let Err(reason) = start(file, csrf_token, progress, done) {
        leptos::logging::warn!("upload could not start: {reason}");
    }
}

fn start(
    file: &File,
    csrf_token: &str,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<Attachment, String>) + 'static,
) -> Result<(), String> {
    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let form = FormData::new().map_err(fail)?;
    let blob: &web_sys::Blob = file.as_ref();
    form.append_with_blob_and_filename("file", blob, &file.name())
        .map_err(fail)?;
    let request = Rc::new(XmlHttpRequest::new().map_err(fail)?);
    request.open("POST", "/v1/attachments").map_err(fail)?;
    request
        .set_request_header("X-CSRF-Token", csrf_token)
        .map_err(fail)?;

    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    request
        .upload()
        .map_err(fail)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();

    let answered = request.clone();
    let on_end = Closure::once(move || {
        let status = answered.status().unwrap_or(0);
        let body = answered.response_text().ok().flatten().unwrap_or_default();
        let outcome = if (200..300).contains(&status) {
            serde_json::from_str::<Uploaded>(&body)
                .ok()
                .and_then(|u| u.data.into_iter().next())
                .ok_or_else(|| "the server's answer was not understood".to_string())
        } else {
            Err(serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_string))
                .unwrap_or_else(|| format!("the upload failed ({status})")))
        };
        done(outcome);
    });
    request.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    request.send_with_opt_form_data(Some(&form)).map_err(fail)
}
