"""What the tool modules share: the tool types, name resolution, field names, paging cursors,
create-once, sprint figures and the lazily loaded engines. No tool is defined here."""
