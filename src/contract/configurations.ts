import { z } from 'zod';
import { ModelConfigSchema } from './model-config.ts';

/** `POST /configurations`: a configuration with a name. */
export const NamedConfigurationSchema = ModelConfigSchema.extend({ name: z.string().trim().min(1).max(200) }).meta({ id: 'Configuration' });

export const ConfigurationCreatedSchema = z.object({ id: z.uuid() });

/** A configuration as saved: its settings, its id and name (null for the anonymous one of an ad-hoc run). */
export const SavedConfigurationSchema = ModelConfigSchema.extend({ id: z.uuid(), name: z.string().nullable(), created_at: z.string() }).meta({
  id: 'SavedConfiguration',
});
export type SavedConfiguration = z.infer<typeof SavedConfigurationSchema>;
export const SavedConfigurationListSchema = z.array(SavedConfigurationSchema);
