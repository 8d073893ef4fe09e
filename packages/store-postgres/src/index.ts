/** @lutingenie/store-postgres: the Store contract on PostgreSQL (node-postgres). */
export const POSTGRES_STORE_KIND = "postgres";
