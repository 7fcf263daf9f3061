// Room names of DESIGN.md §2 (the contract @loupe/sync-protocol implements): formats stay free
// of the sync packages, so the two names are spelled here too.

export const projectRoom = (projectId: string) => `project/${projectId}`
export const jobRoom = (projectId: string, jobId: string) => `job/${projectId}/${jobId}`
