import { Module } from '@nestjs/common';
import { ProfileController } from './profile.controller.js';
import { ProfileRepository } from './profile.repository.js';
import { ProfileService } from './profile.service.js';

/** My Profile (issue 3 item 5): contact, career, education and achievements of the signed-in alumnus. */
@Module({
  controllers: [ProfileController],
  providers: [ProfileRepository, ProfileService],
})
export class ProfileModule {}
