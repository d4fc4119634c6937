import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, JsonColumn, RefColumn, type JsonObject } from '../columns';
import { ConnectorEntity } from './connector.entity';

export type MappingTarget = 'USER_NAME' | 'DISPLAY_NAME' | 'EMAIL' | 'FIRST_NAME' | 'LAST_NAME' | 'PROPERTY' | 'GROUP_NAMES';
export type NoMatchAction = 'KEEP' | 'CLEAR' | 'DROP_USER';

/** One transformation step; `args` depends on the function (a pattern, a separator, a lookup table…). */
export interface Transformation {
  fn: string;
  args?: JsonObject;
}

/** How one directory attribute is derived from what the IdP sent for a user. */
@Entity('attribute_mappings')
@Index(['connectorId', 'position'], { unique: true })
export class AttributeMappingEntity {
  @IdColumn()
  id: string;

  @RefColumn()
  connectorId: string;

  @ManyToOne(() => ConnectorEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connectorId' })
  connector?: ConnectorEntity;

  @Column({ type: 'varchar', length: 32 })
  target: MappingTarget;

  /** The property name, when target is PROPERTY. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  property: string | null;

  /** A template over SCIM attribute paths, e.g. `{name.givenName} {name.familyName}`. */
  @Column({ type: 'varchar', length: 2000 })
  source: string;

  @JsonColumn()
  transformations: Transformation[];

  @Column({ type: 'varchar', length: 16 })
  onNoMatch: NoMatchAction;

  @Column({ type: 'int' })
  position: number;
}
