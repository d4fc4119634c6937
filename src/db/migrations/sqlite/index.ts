import type { MigrationInterface } from 'typeorm';
import { Initial1795446614429 } from './1795446614429-Initial';
import { LocalDirectory1795446614430 } from '../common/1795446614430-LocalDirectory';
import { ScimIndexes1795450530533 } from './1795450530533-ScimIndexes';
import { SyncLease1795452627345 } from './1795452627345-SyncLease';
import { DirectoryReads1795457538530 } from './1795457538530-DirectoryReads';
import { SettingsVersion1795457754128 } from './1795457754128-SettingsVersion';
import { MembershipsWithoutRowid1795459000000 } from './1795459000000-MembershipsWithoutRowid';
import { FullSyncIndexes1795459088305 } from './1795459088305-FullSyncIndexes';
import { DropUserEmailIndex1795460324722 } from './1795460324722-DropUserEmailIndex';
import { IdpRowsWithoutRowid1795461000000 } from './1795461000000-IdpRowsWithoutRowid';
import { SyncRunProgress1796429710654 } from './1796429710654-SyncRunProgress';

/** Every SQLite migration, oldest first. */
export const SQLITE_MIGRATIONS: Array<new () => MigrationInterface> = [Initial1795446614429, LocalDirectory1795446614430, ScimIndexes1795450530533, SyncLease1795452627345, DirectoryReads1795457538530, SettingsVersion1795457754128, MembershipsWithoutRowid1795459000000, FullSyncIndexes1795459088305, DropUserEmailIndex1795460324722, IdpRowsWithoutRowid1795461000000, SyncRunProgress1796429710654];
