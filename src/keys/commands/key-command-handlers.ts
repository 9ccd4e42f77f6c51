import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler.js';
import { DisableApiKeyHandler } from './disable-api-key/disable-api-key.handler.js';
import { EnableApiKeyHandler } from './enable-api-key/enable-api-key.handler.js';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler.js';
import { RollApiKeyHandler } from './roll-api-key/roll-api-key.handler.js';
import { UpdateApiKeyHandler } from './update-api-key/update-api-key.handler.js';

/** Every command on a key: the service (KeysModule) and the operator CLI (KeysCommandsModule) provide the same ones. */
export const KEY_COMMAND_HANDLERS = [
  CreateApiKeyHandler,
  RevokeApiKeyHandler,
  UpdateApiKeyHandler,
  DisableApiKeyHandler,
  EnableApiKeyHandler,
  RollApiKeyHandler,
];
