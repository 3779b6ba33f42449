import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from '../admin/admin.module.js';
import { GraduateAwardEntity } from './graduate-award.entity.js';
import { GraduateEntity } from './graduate.entity.js';
import { PersonalIdHasher } from './personal-id-hasher.js';
import { RegistryUploadController, RegistryUploadService } from './registry-upload.controller.js';
import { RegistryRepository } from './registry.repository.js';
import { RegistryService } from './registry.service.js';

/** The alumni domain: the graduate registry (import by CLI or AAO upload, identity look-ups). Needs AppConfigModule (APP_SECRET). */
@Module({
  imports: [TypeOrmModule.forFeature([GraduateEntity, GraduateAwardEntity]), AdminModule],
  controllers: [RegistryUploadController],
  providers: [PersonalIdHasher, RegistryRepository, RegistryService, RegistryUploadService],
  exports: [RegistryService],
})
export class AlumniModule {}
