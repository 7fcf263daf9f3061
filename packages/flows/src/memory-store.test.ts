import { MemoryFlowStore } from './memory-store'
import { flowStoreContract } from './testing/store-contract'

flowStoreContract('MemoryFlowStore', () => Promise.resolve(new MemoryFlowStore()))
