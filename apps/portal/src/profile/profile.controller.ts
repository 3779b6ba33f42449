import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentSubject, Roles, type Subject } from '../identity/roles.js';
import {
  AchievementDto,
  CareerEntryDto,
  DeleteEntryQuery,
  EducationEntryDto,
  UpdateAchievementDto,
  UpdateCareerEntryDto,
  UpdateContactDto,
  UpdateEducationEntryDto,
} from './dto/profile.dto.js';
import {
  AchievementResponse,
  CareerEntryResponse,
  ContactResponse,
  EducationEntryResponse,
  mapProfileOptions,
  ProfileOptionsResponse,
  ProfileResponse,
} from './dto/profile-response.dto.js';
import { ProfileService } from './profile.service.js';

/** My Profile: the signed-in alumnus's own records only (the account id comes from the session). */
@ApiTags('profile')
@Controller('profile')
@Roles('alumnus')
@ApiBadRequestResponse({ description: 'A field is not valid: `message` lists each problem; nothing was saved' })
export class ProfileController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'My profile: registry record (read-only), sign-in email, contact, career, education, achievements' })
  @ApiOkResponse({ type: ProfileResponse })
  get(@CurrentSubject() subject: Subject): Promise<ProfileResponse> {
    return this.profile.getProfile(subject.id);
  }

  @Get('options')
  @ApiOperation({ summary: 'The fixed lists (industries, languages, phone types) and how many entries each section may hold' })
  @ApiOkResponse({ type: ProfileOptionsResponse })
  options(): ProfileOptionsResponse {
    return mapProfileOptions();
  }

  @Put('contact')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Replace my contact details (send the version you read; 0 before the first save)' })
  @ApiOkResponse({ type: ContactResponse })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it (version-conflict); nothing was saved' })
  updateContact(@CurrentSubject() subject: Subject, @Body() body: UpdateContactDto): Promise<ContactResponse> {
    return this.profile.updateContact(subject.id, body);
  }

  @Post('career')
  @ApiOperation({ summary: 'Add a career entry' })
  @ApiCreatedResponse({ type: CareerEntryResponse })
  addCareer(@CurrentSubject() subject: Subject, @Body() body: CareerEntryDto): Promise<CareerEntryResponse> {
    return this.profile.addCareer(subject.id, body);
  }

  @Put('career/:id')
  @ApiOperation({ summary: 'Replace one of my career entries' })
  @ApiOkResponse({ type: CareerEntryResponse })
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was saved' })
  updateCareer(
    @CurrentSubject() subject: Subject,
    @Param('id') id: string,
    @Body() body: UpdateCareerEntryDto,
  ): Promise<CareerEntryResponse> {
    return this.profile.updateCareer(subject.id, id, body);
  }

  @Delete('career/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my career entries (?version= the version you read)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was removed' })
  removeCareer(@CurrentSubject() subject: Subject, @Param('id') id: string, @Query() query: DeleteEntryQuery): Promise<void> {
    return this.profile.removeCareer(subject.id, id, query.version);
  }

  @Post('education')
  @ApiOperation({ summary: 'Add an education entry (education other than the registry’s)' })
  @ApiCreatedResponse({ type: EducationEntryResponse })
  addEducation(@CurrentSubject() subject: Subject, @Body() body: EducationEntryDto): Promise<EducationEntryResponse> {
    return this.profile.addEducation(subject.id, body);
  }

  @Put('education/:id')
  @ApiOperation({ summary: 'Replace one of my education entries' })
  @ApiOkResponse({ type: EducationEntryResponse })
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was saved' })
  updateEducation(
    @CurrentSubject() subject: Subject,
    @Param('id') id: string,
    @Body() body: UpdateEducationEntryDto,
  ): Promise<EducationEntryResponse> {
    return this.profile.updateEducation(subject.id, id, body);
  }

  @Delete('education/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my education entries (?version= the version you read)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was removed' })
  removeEducation(@CurrentSubject() subject: Subject, @Param('id') id: string, @Query() query: DeleteEntryQuery): Promise<void> {
    return this.profile.removeEducation(subject.id, id, query.version);
  }

  @Post('achievements')
  @ApiOperation({ summary: 'Add an achievement' })
  @ApiCreatedResponse({ type: AchievementResponse })
  addAchievement(@CurrentSubject() subject: Subject, @Body() body: AchievementDto): Promise<AchievementResponse> {
    return this.profile.addAchievement(subject.id, body);
  }

  @Put('achievements/:id')
  @ApiOperation({ summary: 'Replace one of my achievements' })
  @ApiOkResponse({ type: AchievementResponse })
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was saved' })
  updateAchievement(
    @CurrentSubject() subject: Subject,
    @Param('id') id: string,
    @Body() body: UpdateAchievementDto,
  ): Promise<AchievementResponse> {
    return this.profile.updateAchievement(subject.id, id, body);
  }

  @Delete('achievements/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of my achievements (?version= the version you read)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'No such entry in your profile' })
  @ApiConflictResponse({ description: 'Changed elsewhere since you read it; nothing was removed' })
  removeAchievement(@CurrentSubject() subject: Subject, @Param('id') id: string, @Query() query: DeleteEntryQuery): Promise<void> {
    return this.profile.removeAchievement(subject.id, id, query.version);
  }
}
