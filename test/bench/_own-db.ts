/**
 * A benchmark's own Postgres database, so its tables hold nothing but what it writes (and no
 * dead rows left by an earlier run); dropped at the end even if the bench failed.
 */
import postgres from 'postgres';

/** `url` with its database name replaced by `name`. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function ownDatabase(url: string, name: string) {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  return {
    name,
    url: databaseUrl(url, name),
    /** Creates another database copied from this one (no connections to it may be open). */
    async clone(copy: string): Promise<string> {
      await admin.unsafe(`create database ${copy} template ${name}`);
      return databaseUrl(url, copy);
    },
    async drop(...also: string[]): Promise<void> {
      for (const n of [...also, name])
        await admin.unsafe(`drop database if exists ${n} with (force)`).catch((e) => {
          console.error(`could not drop ${n}: ${e}`);
        });
      await admin.end();
    },
  };
}
