import { dropRunSchemas } from './env'

/** Drops every schema this run created (tests drop their own too; this catches the rest). */
export default function setup(): () => Promise<void> {
  return () => dropRunSchemas()
}
