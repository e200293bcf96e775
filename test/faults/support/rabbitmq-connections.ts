import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Has the broker close every connection whose client named it `connectionName` (the API's and
 * every worker's, for one queue), all at once as a broker fail-over would; returns how many.
 * Only this test's connections carry the name: the shared broker and its other clients go on.
 */
export async function closeConnectionsNamed(connectionName: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'list_connections',
    'pid',
    'client_properties',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0] ?? '');
  await Promise.all(
    pids.map((pid) => run('rabbitmqctl', ['close_connection', pid, 'closed by a fault test'])),
  );
  return pids.length;
}
