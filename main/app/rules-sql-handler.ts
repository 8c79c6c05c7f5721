import { parseRuleFile } from '../engine/rules/parse-rule-file.js';
import { rulesToSql } from '../engine/rules/sql/index.js';
import type { FileAccess } from './file-access.js';
import type { Handlers } from './handlers.js';

/** "Export as SQL…" on the Rules screen: the draft compiled for the opened file, returned as text for the UI to show. */
export function rulesSqlHandler(files: FileAccess): Pick<Handlers, 'rules/sql'> {
  return {
    'rules/sql': async (request) => {
      const sourcePath = files.authorizeRead(request.path);
      const sql = await rulesToSql(parseRuleFile(request.ruleFile), { target: request.target, sourcePath });
      return { target: request.target, sql };
    },
  };
}
