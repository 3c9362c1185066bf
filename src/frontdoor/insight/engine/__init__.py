"""Pure KPI engine: DuckDB SQL over Parquet snapshots of contact facts (no Django)."""
