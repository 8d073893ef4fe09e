/** Test kit: a throwaway PostgreSQL cluster, or LUTIN_TEST_DATABASE_URL. */
export {};
