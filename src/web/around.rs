//! Layers that do a little work as a request comes in and as its response
//! goes out (metrics, security headers, error pages, flash messages, the
//! matched route, the role gates), as concrete services.
//!
//! `axum::middleware::from_fn` boxes a copy of the rest of the stack and the
//! middleware's future on every request, and every poll of the request goes
//! through both; an [`Around`] adds one small enum to the request's future
//! and nothing else.

use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::extract::Request;
use axum::response::Response;
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// Work before and after the rest of the stack.
pub trait Around: Clone + Send + Sync + 'static {
    /// What [`Around::before`] hands to [`Around::after`].
    type Carry: Send + 'static;
    /// As the request comes in: `Continue` with what to carry, or `Break`
    /// with a response (a redirect to sign in, a refusal) that ends the
    /// request here, without [`Around::after`].
    fn before(&self, req: &mut Request) -> ControlFlow<Response, Self::Carry>;
    /// As the response goes out.
    fn after(&self, carry: Self::Carry, res: Response) -> Response;
}

/// The layer that puts an [`Around`] in a stack.
#[derive(Clone)]
pub struct AroundLayer<A>(pub A);

impl<S, A: Around> Layer<S> for AroundLayer<A> {
    type Service = AroundService<S, A>;

    fn layer(&self, inner: S) -> Self::Service {
        AroundService {
            inner,
            around: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct AroundService<S, A> {
    inner: S,
    around: A,
}

impl<S, A> Service<Request> for AroundService<S, A>
where
    S: Service<Request, Response = Response>,
    A: Around,
{
    type Response = Response;
    type Error = S::Error;
    type Future = AroundFuture<S::Future, A>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        match self.around.before(&mut req) {
            ControlFlow::Continue(carry) => AroundFuture::Inner {
                fut: self.inner.call(req),
                after: Some((self.around.clone(), carry)),
            },
            ControlFlow::Break(res) => AroundFuture::Ended { res: Some(res) },
        }
    }
}

pin_project! {
    /// The rest of the stack's future, then [`Around::after`]; or the
    /// response [`Around::before`] ended the request with.
    #[project = AroundProj]
    pub enum AroundFuture<F, A: Around> {
        Inner { #[pin] fut: F, after: Option<(A, A::Carry)> },
        Ended { res: Option<Response> },
    }
}

impl<F, E, A> Future for AroundFuture<F, A>
where
    F: Future<Output = Result<Response, E>>,
    A: Around,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            AroundProj::Inner { fut, after } => {
                let res = ready!(fut.poll(cx))?;
                let (around, carry) = after
                    .take()
                    .expect("AroundFuture polled after it completed");
                Poll::Ready(Ok(around.after(carry, res)))
            }
            AroundProj::Ended { res } => Poll::Ready(Ok(res
                .take()
                .expect("AroundFuture polled after it completed"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use axum::body::Body;
    use axum::http::{HeaderValue, StatusCode};
    use tower::ServiceExt;
    use tower::service_fn;

    use super::*;

    /// Tags the request, copies the tag to the response, and turns away
    /// requests to `/closed`.
    #[derive(Clone)]
    struct Tag(&'static str);

    impl Around for Tag {
        type Carry = &'static str;
        fn before(&self, req: &mut Request) -> ControlFlow<Response, &'static str> {
            if req.uri().path() == "/closed" {
                let mut res = Response::new(Body::empty());
                *res.status_mut() = StatusCode::FORBIDDEN;
                return ControlFlow::Break(res);
            }
            req.headers_mut()
                .insert("x-in", HeaderValue::from_static(self.0));
            ControlFlow::Continue(self.0)
        }
        fn after(&self, carry: &'static str, mut res: Response) -> Response {
            res.headers_mut()
                .insert("x-out", HeaderValue::from_static(carry));
            res
        }
    }

    async fn echo(req: Request) -> Result<Response, Infallible> {
        let seen = req.headers().get("x-in").cloned();
        let mut res = Response::new(Body::empty());
        if let Some(v) = seen {
            res.headers_mut().insert("x-seen", v);
        }
        Ok(res)
    }

    #[tokio::test]
    async fn before_reaches_the_inner_service_and_after_the_response() {
        let svc = AroundLayer(Tag("a")).layer(service_fn(echo));
        let req = Request::builder().uri("/open").body(Body::empty()).unwrap();
        let res = svc.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["x-seen"], "a");
        assert_eq!(res.headers()["x-out"], "a");
    }

    #[tokio::test]
    async fn a_response_from_before_ends_the_request() {
        let svc = AroundLayer(Tag("a")).layer(service_fn(echo));
        let req = Request::builder()
            .uri("/closed")
            .body(Body::empty())
            .unwrap();
        let res = svc.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.headers().get("x-out").is_none());
        assert!(res.headers().get("x-seen").is_none());
    }
}
