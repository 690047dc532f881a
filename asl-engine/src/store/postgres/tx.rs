//! One transaction as the operations see it: statements prepared once per connection and
//! kept, queries that say what they were doing when they fail, and the failure type that lets
//! the pool tell a conflict worth running again from an answer.

use std::cell::RefCell;
use std::collections::HashMap;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, Statement, Transaction};

use crate::store::StoreError;

/// How an operation failed: with the store's answer (`ExecutionDoesNotExist`, `LeaseLost`…),
/// or in the database, which the pool may retry (a serialization conflict) before it becomes
/// `StoreError::Backend`.
#[derive(Debug)]
pub(super) enum Fail {
    Store(StoreError),
    Db { what: String, error: tokio_postgres::Error },
    /// What the transaction found needs it to run as SERIALIZABLE: the pool runs it again so.
    NeedsSerializable,
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

pub(super) type Out<T> = std::result::Result<T, Fail>;

/// Parameters of one statement.
pub(super) type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// A transaction of the store, with its connection's prepared statements.
pub(super) struct Tx<'a> {
    tx: Transaction<'a>,
    statements: RefCell<&'a mut HashMap<String, Statement>>,
    what: &'a str,
    serializable: bool,
}

impl<'a> Tx<'a> {
    pub(super) fn new(tx: Transaction<'a>, statements: &'a mut HashMap<String, Statement>, what: &'a str, serializable: bool) -> Self {
        Self { tx, statements: RefCell::new(statements), what, serializable }
    }

    pub(super) fn is_serializable(&self) -> bool {
        self.serializable
    }

    pub(super) async fn commit(self) -> Result<(), tokio_postgres::Error> {
        self.tx.commit().await
    }

    fn fail(&self, error: tokio_postgres::Error) -> Fail {
        Fail::Db { what: self.what.to_owned(), error }
    }

    /// `sql`, prepared on this connection the first time it is used. (Prepared statements
    /// outlive the transaction: they belong to the connection.)
    async fn statement(&self, sql: &str) -> Out<Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql).await.map_err(|e| self.fail(e))?;
        self.statements.borrow_mut().insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// Every row `sql` selects.
    pub(super) async fn all(&self, sql: &str, params: Params<'_>) -> Out<Vec<Row>> {
        let statement = self.statement(sql).await?;
        self.tx.query(&statement, params).await.map_err(|e| self.fail(e))
    }

    /// The row `sql` selects, if any (more than one is an error).
    pub(super) async fn opt(&self, sql: &str, params: Params<'_>) -> Out<Option<Row>> {
        let statement = self.statement(sql).await?;
        self.tx.query_opt(&statement, params).await.map_err(|e| self.fail(e))
    }

    /// The one row `sql` selects.
    pub(super) async fn one(&self, sql: &str, params: Params<'_>) -> Out<Row> {
        let statement = self.statement(sql).await?;
        self.tx.query_one(&statement, params).await.map_err(|e| self.fail(e))
    }

    /// Runs `sql`; how many rows it changed.
    pub(super) async fn exec(&self, sql: &str, params: Params<'_>) -> Out<u64> {
        let statement = self.statement(sql).await?;
        self.tx.execute(&statement, params).await.map_err(|e| self.fail(e))
    }

    /// Runs statements without parameters or prepared statements (the schema).
    pub(super) async fn batch(&self, sql: &str) -> Out<()> {
        self.tx.batch_execute(sql).await.map_err(|e| self.fail(e))
    }
}
