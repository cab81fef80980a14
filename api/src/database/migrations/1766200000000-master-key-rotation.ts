import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Master-key rotation (docs/keys.md). `master_key_holders`: the master-key ids each running
 * API process holds (ids, never keys), so that `npm run keys:rotate` re-wraps nothing before
 * every process can open the result. `retired_master_keys`: the ids of master keys a
 * rotation replaced; a trigger on every table of sealed values refuses a value sealed under
 * one of them, so that nothing can be stored under a key on its way out once its values are
 * being re-wrapped (the rotation's last check then stays true). A row whose key id does not
 * change (another column updated) passes: the rotation re-wraps it.
 */
export class MasterKeyRotation1766200000000 implements MigrationInterface {
  name = 'MasterKeyRotation1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE master_key_holders (
        instance_id uuid PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        follows_file boolean NOT NULL,
        sealing_key_id text NOT NULL,
        key_ids text[] NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE retired_master_keys (
        key_id text PRIMARY KEY,
        retired_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION refuse_retired_master_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (TG_OP = 'INSERT' OR NEW.key_id IS DISTINCT FROM OLD.key_id)
           AND EXISTS (SELECT 1 FROM retired_master_keys WHERE key_id = NEW.key_id) THEN
          RAISE EXCEPTION 'sealed under the retired master key %', NEW.key_id USING ERRCODE = 'ML001';
        END IF;
        RETURN NEW;
      END
      $$`);
    for (const table of SEALED_TABLES)
      await queryRunner.query(
        `CREATE TRIGGER ${table}_retired_master_key BEFORE INSERT OR UPDATE ON ${table}
           FOR EACH ROW WHEN (NEW.key_id IS NOT NULL) EXECUTE FUNCTION refuse_retired_master_key()`,
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of SEALED_TABLES) await queryRunner.query(`DROP TRIGGER ${table}_retired_master_key ON ${table}`);
    await queryRunner.query('DROP FUNCTION refuse_retired_master_key()');
    await queryRunner.query('DROP TABLE retired_master_keys');
    await queryRunner.query('DROP TABLE master_key_holders');
  }
}

/** The tables with values sealed by the KeyService at the time of this migration (a `key_id` column each). */
const SEALED_TABLES = ['ledger_identities', 'patient_keys'];
