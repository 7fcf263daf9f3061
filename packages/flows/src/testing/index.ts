export { deployment, flowRun, flowStoreContract } from './store-contract'
