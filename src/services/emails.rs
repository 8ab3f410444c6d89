//! The administrator's view of the email outbox: how many emails are in each state, the most
//! recent ones, and sending a failed one again.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::email_outbox::{self, Column};
use crate::mail::outbox::{DEAD, PENDING};
use crate::state::AppState;

/// Rows by state, for the administrator's page.
pub async fn counts(state: &AppState) -> Result<Vec<(String, i64)>, DbErr> {
    let rows: Vec<(String, i64)> = email_outbox::Entity::find()
        .select_only()
        .column(Column::Status)
        .column_as(Column::Id.count(), "n")
        .group_by(Column::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(rows)
}

/// How many emails are in each state.
pub async fn counts_by_state(state: &AppState) -> Result<HashMap<String, i64>, DbErr> {
    Ok(counts(state).await?.into_iter().collect())
}

/// The most recent `limit` emails, newest first, in one state or all.
pub async fn recent(
    state: &AppState,
    status: Option<&str>,
    limit: u64,
) -> Result<Vec<email_outbox::Model>, DbErr> {
    let mut find = email_outbox::Entity::find();
    if let Some(s) = status {
        find = find.filter(Column::Status.eq(s));
    }
    find.order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(&state.db)
        .await
}

/// Marks a dead row for another try, from the administrator's page.
pub async fn retry(state: &AppState, id: &str) -> Result<bool, DbErr> {
    let res = email_outbox::Entity::update_many()
        .col_expr(Column::Status, Expr::value(PENDING))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::RunAt, Expr::value(state.clock.now()))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(DEAD))
        .exec(&state.db)
        .await?;
    Ok(res.rows_affected == 1)
}
