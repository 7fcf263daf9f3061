import * as Y from 'yjs'
import { validateAttributeValues } from './attributes'
import { ModelError, ModelErrorCode } from './errors'
import { isId, newId } from './ids'
import type { LabelLookup } from './project'
import type { AttributeValue, LabelRecord } from './schema'
import { joinPath } from './validate'
import type { Writer } from './writer'

/** The label's attribute values: the given ones (validated) over the label's defaults. */
export function fullAttributes(
  label: LabelRecord,
  given: Readonly<Record<string, unknown>>,
  path: string,
): Record<string, AttributeValue> {
  const valid = validateAttributeValues(label.attributes, given, path)
  const out: Record<string, AttributeValue> = {}
  for (const attribute of label.attributes) out[attribute.id] = attribute.default
  return Object.assign(out, valid)
}

/** What shapes, tags and comments of one job share: the writer and the project lookups. */
export class JobScope {
  constructor(
    readonly writer: Writer,
    readonly project: LabelLookup,
    private readonly meta: Y.Map<unknown>,
  ) {}

  get jobId(): string {
    const jobId: unknown = this.meta.get('jobId')
    return typeof jobId === 'string' ? jobId : ''
  }

  requireLabel(labelId: string, path: string): LabelRecord {
    const label = this.project.getLabel(labelId)
    if (!label)
      throw new ModelError(ModelErrorCode.unknownLabel, `no label ${labelId} in the project`, path)
    return label
  }

  checkImage(imageId: string, path: string): void {
    if (!this.project.getImage) return
    const image = this.project.getImage(imageId)
    if (!image)
      throw new ModelError(ModelErrorCode.unknownImage, `no image ${imageId} in the project`, path)
    const jobId = this.jobId
    if (jobId !== '' && image.jobId !== jobId) {
      throw new ModelError(
        ModelErrorCode.unknownImage,
        `image ${imageId} belongs to job ${image.jobId}, not ${jobId}`,
        path,
      )
    }
  }

  newRecordPath(collection: string, id: unknown): { id: string; path: string } {
    const path = isId(id) ? joinPath(collection, id) : collection
    return { id: isId(id) ? id : newId(), path }
  }

  requireMap(collection: Y.Map<unknown>, name: string, id: string): Y.Map<unknown> {
    const map = collection.get(id)
    if (!(map instanceof Y.Map))
      throw new ModelError(ModelErrorCode.notFound, `no such ${name}`, joinPath(`${name}s`, id))
    return map as Y.Map<unknown>
  }
}
