import { MigrationInterface, QueryRunner } from 'typeorm';
import { LOCAL_DIRECTORY_ID } from '../../entities/directory.entity';

/** The local directory: users that exist in the application without any connector. Same SQL on both dialects. */
export class LocalDirectory1795446614430 implements MigrationInterface {
  name = 'LocalDirectory1795446614430';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await queryRunner.query('INSERT INTO directories (id, kind, name, createdAt) VALUES (?, ?, ?, ?)', [
      LOCAL_DIRECTORY_ID,
      'LOCAL',
      'Local directory',
      now,
    ]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM directories WHERE id = ?', [LOCAL_DIRECTORY_ID]);
  }
}
