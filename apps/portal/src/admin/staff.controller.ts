import {
  Body,
  Controller,
  Header,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Req,
  UseFilters,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { IdentityExceptionFilter } from '../identity/identity-exception.filter.js';
import { CurrentSubject, Roles, STAFF_ROLES, type StaffRole, type Subject } from '../identity/roles.js';
import type { StaffAccountEntity } from './staff-account.entity.js';
import { StaffService } from './staff.service.js';
import { IsPlainLine } from '../profile/dto/profile-validators.js';

export class StaffResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  email!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: STAFF_ROLES })
  role!: string;
  @ApiProperty()
  active!: boolean;
}

/** A staff account as the AAO's staff list shows it. */
export class StaffAccountResponse extends StaffResponse {
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  updatedAt!: string;
}

export class CreateStaffDto {
  @ApiProperty()
  @IsEmail({}, { message: 'Please enter a valid email address.' })
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty({ message: 'Please enter a name.' })
  @MaxLength(200)
  // Shown in the audit log and on every page a staff member acts on: nothing that disguises a name.
  @IsPlainLine({
    message: 'name must be text on one line, without line breaks, control or bidirectional-override characters: retype it plainly.',
  })
  name!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;
}

export class UpdateStaffDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES, description: "The new role (ends the person's sessions: they sign in again)" })
  @IsOptional()
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role?: StaffRole;

  @ApiPropertyOptional({ description: "false deactivates the account (ends the person's sessions); true reactivates it" })
  @IsOptional()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;
}

export class CreatedStaffResponse extends StaffAccountResponse {
  @ApiProperty({ description: 'Shown once; give it to the person over a safe channel.' })
  password!: string;
}

function mapStaff(account: StaffAccountEntity): StaffResponse {
  return { id: account.id, email: account.email, name: account.name, role: account.role, active: account.active };
}

function mapStaffAccount(account: StaffAccountEntity): StaffAccountResponse {
  return { ...mapStaff(account), createdAt: account.createdAt.toISOString(), updatedAt: account.updatedAt.toISOString() };
}

@ApiTags('admin')
@Controller('staff')
@UseFilters(IdentityExceptionFilter)
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get('me')
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin', 'security-staff', 'auditor')
  @ApiOperation({ summary: 'The signed-in member of staff' })
  @ApiOkResponse({ type: StaffResponse })
  async me(@CurrentSubject() subject: Subject): Promise<StaffResponse> {
    const account = await this.staff.findById(subject.id);
    if (!account) throw new NotFoundException('This staff account no longer exists.');
    return mapStaff(account);
  }

  @Post()
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a staff account with a generated password (AAO admins only; audited)' })
  @ApiCreatedResponse({ type: CreatedStaffResponse })
  async create(@Body() body: CreateStaffDto, @CurrentSubject() subject: Subject): Promise<CreatedStaffResponse> {
    const { account, generatedPassword } = await this.staff.create(
      { email: body.email, name: body.name, role: body.role },
      { type: 'staff', id: subject.id },
    );
    return { ...mapStaffAccount(account), password: generatedPassword! };
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin')
  @ApiOperation({ summary: 'Every staff account with its role and whether it is active (AAO admins only)' })
  @ApiOkResponse({ type: [StaffAccountResponse] })
  async list(): Promise<StaffAccountResponse[]> {
    return (await this.staff.list()).map(mapStaffAccount);
  }

  @Patch(':id')
  @Header('Cache-Control', 'no-store')
  @Roles('aao-admin')
  @ApiOperation({
    summary:
      "Change a staff member's role, or deactivate/reactivate the account (AAO admins only; audited). A new role or a deactivation ends their sessions",
  })
  @ApiOkResponse({ type: StaffAccountResponse })
  @ApiBadRequestResponse({ description: 'staff-change-empty, staff-role-invalid' })
  @ApiNotFoundResponse({ description: 'staff-not-found' })
  @ApiConflictResponse({ description: 'staff-self-change: your own account; staff-last-admin: it would leave no active AAO admin' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateStaffDto,
    @CurrentSubject() subject: Subject,
    @Req() request: Request,
  ): Promise<StaffAccountResponse> {
    return mapStaffAccount(
      await this.staff.update(id, { role: body.role, active: body.active }, { type: 'staff', id: subject.id, ip: request.ip ?? null }),
    );
  }
}
