package postgres

// chatMessageColumns are the columns of a chat message an export reads.
const chatMessageColumns = `tenant_id, id, session_id, role, content, model, created_at`
