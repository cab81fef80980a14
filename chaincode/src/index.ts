import { SystemContract } from './system/system.contract';

export { SystemContract };

/** The contracts `fabric-chaincode-node server` serves, the first being the default one. */
export const contracts = [SystemContract];
