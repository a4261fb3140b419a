//! The browser's realtime socket: connects with the session cookie, hands
//! every frame to the page, and reconnects with its cursor when dropped.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, WebSocket};

use crate::live::{Event, Resume};

type Handler = Rc<dyn Fn(Event)>;

thread_local! {
    /// The open socket, for frames the page sends (typing).
    static CURRENT: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
}

/// Sends a frame if the socket is open; typing hints may simply be lost.
pub fn send(frame: &str) {
    CURRENT.with(|current| {
        if let Some(socket) = current.borrow().as_ref() {
            if socket.ready_state() == WebSocket::OPEN {
                let _ = socket.send_with_str(frame);
            }
        }
    });
}

pub fn connect(on_event: impl Fn(Event) + 'static) {
    open(Rc::new(RefCell::new(Resume::default())), Rc::new(on_event));
}

fn open(resume: Rc<RefCell<Resume>>, on_event: Handler) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let url = format!("{scheme}://{host}{}", resume.borrow().path());
    let Ok(socket) = WebSocket::new(&url) else {
        retry(resume, on_event);
        return;
    };

    let on_message = {
        let (resume, on_event) = (resume.clone(), on_event.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Some(text) = message.data().as_string() {
                let event = resume.borrow_mut().handle(&text);
                on_event(event);
            }
        })
    };
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    CURRENT.with(|current| *current.borrow_mut() = Some(socket.clone()));
    let on_close = Closure::<dyn FnMut()>::once(move || retry(resume, on_event));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
}

fn retry(resume: Rc<RefCell<Resume>>, on_event: Handler) {
    let delay = resume.borrow_mut().closed();
    gloo_timers::callback::Timeout::new(delay, move || open(resume, on_event)).forget();
}
