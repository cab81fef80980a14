import { AuditContract } from './audit/audit.contract';
import { CareContract } from './care/care.contract';
import { ConsentContract } from './consent/consent.contract';
import { ErasureContract } from './erasure/erasure.contract';
import { ParticipantsContract } from './participants/participants.contract';
import { ReportsContract } from './reports/reports.contract';
import { listenForPeerCapabilities } from './peer-batching';
import { skipDisabledShimLogLevels } from './shim-logging';
import { takeStringArgumentsDirectly } from './shim-parameters';
import { SystemContract } from './system/system.contract';

skipDisabledShimLogLevels();
takeStringArgumentsDirectly();
listenForPeerCapabilities();

export {
  AuditContract,
  CareContract,
  ConsentContract,
  ErasureContract,
  ParticipantsContract,
  ReportsContract,
  SystemContract,
};

/**
 * The contracts `fabric-chaincode-node server` serves, the first being the default one.
 * Call them as `<name>:<Function>`: system, participants, care, reports, consent, audit,
 * erasure.
 */
export const contracts = [
  SystemContract,
  ParticipantsContract,
  CareContract,
  ReportsContract,
  ConsentContract,
  AuditContract,
  ErasureContract,
];
