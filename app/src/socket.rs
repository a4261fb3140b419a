//! The browser's realtime socket: connects with the session cookie, hands
//! every frame to the page, and reconnects with its cursor when dropped;
//! when the server ends the sign-in it goes to the sign-in page instead.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::live::{AfterClose, Event, Resume};
use crate::state::sign_in_returning_to;

type Handler = Rc<dyn Fn(Event)>;

thread_local! {
    /// The open socket, for frames the page sends (typing).
    static CURRENT: RefCell<Option<WebSocket>> = const { RefCell::new(None) };
    /// The newest cursor the socket has heard, or started from.
    static HEARD: Cell<Option<i64>> = const { Cell::new(None) };
}

/// Whether the socket has told of anything after `cursor`: a page whose
/// data was read at `cursor` may have missed it while on its way.
pub fn heard_after(cursor: &str) -> bool {
    let read_at = cursor.parse::<i64>().ok();
    HEARD
        .get()
        .zip(read_at)
        .is_some_and(|(heard, read_at)| heard > read_at)
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

/// Connects, resuming after `cursor`: where the page's data was read.
pub fn connect(cursor: String, on_event: impl Fn(Event) + 'static) {
    let resume = Resume::after(cursor);
    HEARD.set(resume.cursor());
    open(Rc::new(RefCell::new(resume)), Rc::new(on_event));
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
        // As if it had dropped at once (1006, closed abnormally).
        let after = resume.borrow_mut().closed(1006);
        return after_close(after, resume, on_event);
    };

    let on_message = {
        let (resume, on_event) = (resume.clone(), on_event.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Some(text) = message.data().as_string() {
                let event = resume.borrow_mut().handle(&text);
                HEARD.set(resume.borrow().cursor());
                on_event(event);
            }
        })
    };
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    CURRENT.with(|current| *current.borrow_mut() = Some(socket.clone()));
    let on_close = Closure::<dyn FnMut(CloseEvent)>::once(move |event: CloseEvent| {
        let after = resume.borrow_mut().closed(event.code());
        after_close(after, resume, on_event);
    });
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
}

fn after_close(after: AfterClose, resume: Rc<RefCell<Resume>>, on_event: Handler) {
    match after {
        AfterClose::Reconnect(delay) => {
            gloo_timers::callback::Timeout::new(delay, move || open(resume, on_event)).forget();
        }
        AfterClose::SignIn => sign_in_again(),
    }
}

/// The server ended this sign-in: reconnecting would only be refused. The
/// sign-in page brings the person back here; it replaces this page in the
/// history, since going back to it could only lead to signing in again.
fn sign_in_again() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = location.replace(&sign_in_returning_to(&here));
}
