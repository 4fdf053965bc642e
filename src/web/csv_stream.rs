//! CSV downloads streamed as they are written: the rows are written by a
//! task of their own into chunks of about 64 KiB sent down a small channel,
//! so an export of 100,000 people holds a few chunks in memory, not the
//! whole file. A failure half-way ends the response with an error (the
//! download fails) rather than a file that looks complete.

use std::future::Future;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

/// Where an export writes its rows.
pub struct CsvSink {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    w: csv::Writer<Vec<u8>>,
}

impl CsvSink {
    /// Write one record; sends a chunk once enough has gathered.
    pub async fn row<I, T>(&mut self, record: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.w.write_record(record)?;
        if self.w.get_ref().len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> anyhow::Result<()> {
        let full = std::mem::replace(&mut self.w, writer());
        let chunk = full
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        if !chunk.is_empty() {
            self.tx
                .send(Ok(Bytes::from(chunk)))
                .await
                .map_err(|_| anyhow::anyhow!("the download was cancelled"))?;
        }
        Ok(())
    }
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::with_capacity(CHUNK + 1024))
}

/// A `text/csv` attachment named `filename` whose rows `write` produces;
/// it gets the sink and hands it back when done.
pub fn download<F, Fut>(filename: &str, write: F) -> Response
where
    F: FnOnce(CsvSink) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<CsvSink>> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(4);
    let sink = CsvSink {
        tx: tx.clone(),
        w: writer(),
    };
    tokio::spawn(async move {
        let done = match write(sink).await {
            Ok(mut sink) => sink.send().await,
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::warn!(error = %e, "CSV export stopped");
            let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
